"""Settings read from the environment; no logic beyond defaults."""

from config.settings import Settings, load_settings

__all__ = ["Settings", "load_settings"]
