package dev.osimg.cli;

/** A command that only writes images to a registry: {@code --mirror} (a pull-through cache) means nothing there. */
interface WritesOnly {
}
