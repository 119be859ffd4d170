//! Python bindings for cms-core (work in progress).
