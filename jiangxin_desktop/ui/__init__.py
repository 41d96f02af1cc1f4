"""The Qt windows. The only package that imports PySide6; everything else stays headless."""
