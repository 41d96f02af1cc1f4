"""Showing and printing PDFs: page rendering by pdfium, the preview, sending pages to a printer.
"""
