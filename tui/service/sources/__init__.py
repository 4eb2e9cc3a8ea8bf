"""Readers: each turns one kind of input into a `RecordSet` in the records schema."""
