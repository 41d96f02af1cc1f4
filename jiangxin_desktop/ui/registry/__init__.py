"""学员: the trainee list, registration and editing forms, the picker, deactivation.
"""
