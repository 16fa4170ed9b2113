"""Attachments: uploaded files, where they are stored, what they may be, and who reads them."""
