"""Settings and the offline environment: the bottom layer beside `cqc`, importing nothing of ours."""

from config.offline import OFFLINE_ENVIRONMENT, configure_offline
from config.settings import Settings, debug_wanted, get_settings, invalid_settings, packaged_model_path

__all__ = ["OFFLINE_ENVIRONMENT", "Settings", "configure_offline", "debug_wanted", "get_settings", "invalid_settings",
           "packaged_model_path"]
