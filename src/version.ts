/** The package version, shown by --version and written into exports (OTLP scope.version). */
export const VERSION = '0.1.0';
