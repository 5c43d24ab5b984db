// SPDX-License-Identifier: GPL-2.0
/* The modver:modver_verdict trace event (include/modver_trace.h), instantiated here once. */
#include "modver.h"

#define CREATE_TRACE_POINTS
#include "modver_trace.h"
