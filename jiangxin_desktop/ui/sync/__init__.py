"""The 同步 area: the city enrolment, what waits to leave, batches and their receipts, 立即同步,
USB export and receipts, the reviewer's approval, and the status-bar label with its quiet retry.

Builds only on the public names of ``services.sync`` (``ctx.sync``); every call that may touch the
network or a USB stick runs in a worker thread, so the window never freezes.
"""
