/* SPDX-License-Identifier: GPL-2.0 */
/* The entry points libFuzzer calls, and the mutator it offers a custom mutator. */
#ifndef LIBFUZZER_H
#define LIBFUZZER_H

#include "modver_types.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);
size_t LLVMFuzzerMutate(u8 *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(u8 *data, size_t size, size_t max_size, unsigned int seed);

#endif /* LIBFUZZER_H */
