"""The API's wire format: marshmallow schemas, from which the OpenAPI document is generated.

``common`` holds the fields (money as strings, rates, text, dates), paging and the error
body; each area's schemas are in a module of its own.
"""
