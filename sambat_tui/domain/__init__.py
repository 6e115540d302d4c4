"""The domain: pure rules of the complaint loop. Standard library only."""
