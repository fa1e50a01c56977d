"""The domain core: facts about English adult social care that hold whatever the library holds.

Nothing here imports anything else of ours, so every layer (ingest, store, assistant, app) can
use it.
"""
