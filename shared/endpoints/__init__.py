"""Request -> schema -> service -> response, one module per kind of function."""
