"""The public event contract: CloudEvents envelope plus one payload model per event type."""
