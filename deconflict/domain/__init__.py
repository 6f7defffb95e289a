"""Pure domain rules of deconflict: no I/O, no clock, no database."""
