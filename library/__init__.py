"""The library: reports read by `ingest` and kept by `vectorstore`, put together. It sits above
both, so that neither the readers nor the store knows the other."""
