"""Pydantic models of the wire format, shared by the server and the client."""
