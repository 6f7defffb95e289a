"""One router per resource, each built by a factory from the app's dependencies."""
