//go:build gencatalog

package catalog

// curated is empty when the package is built for gencatalog, which writes
// catalog_gen.go and so builds without it: a generated file that no longer
// compiles (a field of Entry renamed) must not block its own regeneration.
var curated []Entry
