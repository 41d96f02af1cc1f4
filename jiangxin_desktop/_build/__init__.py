"""Build-time helpers (build.spec); the program never imports them."""
