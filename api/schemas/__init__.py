"""marshmallow schemas: they validate requests and generate the OpenAPI document."""
