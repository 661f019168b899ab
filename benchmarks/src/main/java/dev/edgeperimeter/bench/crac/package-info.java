/**
 * A minimal CRaC implementation ({@code org.crac} "compat" package) that lets a plain JVM run the
 * functions' SnapStart priming hooks in the cold-start benchmark.
 */
package dev.edgeperimeter.bench.crac;
