"""One module per ``gkwatch`` command (or group of commands); ``gkwatch.cli`` registers them."""
