/* zlib (Debian: zlib1g-dev) for gzip and zip members in ModelImport's data readers. */
#include <zlib.h>
