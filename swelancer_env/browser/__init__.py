"""Browsers: finding Chromium, and the user tool."""

from swelancer_env.browser.discovery import CHROMIUM_ARGS, find_chromium, launch_options

__all__ = ["CHROMIUM_ARGS", "find_chromium", "launch_options"]
