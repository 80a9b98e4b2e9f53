// placeholder so the library has a source until real ones land
