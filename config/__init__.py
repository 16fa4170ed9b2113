"""Settings read from the environment, declared and validated once (config/settings.py)."""

from config.settings import Settings, SettingsError, load_settings

__all__ = ["Settings", "SettingsError", "load_settings"]
