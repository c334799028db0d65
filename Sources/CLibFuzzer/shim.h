// libFuzzer's driver entry, for a program that defines its own main (built with -sanitize=fuzzer, which links
// the libFuzzer runtime). See https://llvm.org/docs/LibFuzzer.html#using-libfuzzer-as-a-library
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
