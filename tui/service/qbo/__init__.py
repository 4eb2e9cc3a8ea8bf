"""QuickBooks Online through python-quickbooks: OAuth tokens, the client, and its errors."""
