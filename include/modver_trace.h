/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The modver:modver_verdict trace event: one per symbol check, with both CRCs, the outcome and
 * the action, for trace-cmd, perf and bpftrace users; and modver:modver_explain, one per line of
 * a mismatch's explanation (modver_explain.c: what changed, from the module's stamp and the live
 * kernel's BTF).  Names are copied into fixed arrays (an extended-table name longer than the array
 * is cut short in the event, not in the check; an explanation longer than its array likewise).
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM modver

#if !defined(MODVER_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define MODVER_TRACE_H

#include <linux/string.h>
#include <linux/tracepoint.h>

#define MODVER_TRACE_NAME_LEN	128
#define MODVER_TRACE_WORD_LEN	16
#define MODVER_TRACE_TEXT_LEN	768

TRACE_EVENT(modver_verdict,
	    TP_PROTO(const char *module, const char *symbol, const struct mv_verdict *v),
	    TP_ARGS(module, symbol, v),
	    TP_STRUCT__entry(__array(char, module, MODULE_NAME_LEN)
			     __array(char, symbol, MODVER_TRACE_NAME_LEN)
			     __field(u64, module_crc)
			     __field(u32, kernel_crc)
			     __field(bool, has_module_crc)
			     __field(bool, has_kernel_crc)
			     __field(int, outcome)
			     __field(int, action)),
	    TP_fast_assign(strscpy(__entry->module, module, MODULE_NAME_LEN);
			   strscpy(__entry->symbol, symbol, MODVER_TRACE_NAME_LEN);
			   __entry->module_crc = v->module_crc;
			   __entry->kernel_crc = v->kernel_crc;
			   __entry->has_module_crc = v->has_module_crc;
			   __entry->has_kernel_crc = v->has_kernel_crc;
			   __entry->outcome = v->outcome;
			   __entry->action = v->action;),
	    TP_printk("module=%s symbol=%s module_crc=%s0x%08llx kernel_crc=%s0x%08x outcome=%s action=%s",
		      __entry->module, __entry->symbol, __entry->has_module_crc ? "" : "none:",
		      __entry->module_crc, __entry->has_kernel_crc ? "" : "none:",
		      __entry->kernel_crc,
		      __print_symbolic(__entry->outcome, { MV_MATCH, "match" },
				       { MV_MISMATCH, "mismatch" }, { MV_MISSING, "missing" },
				       { MV_NO_TABLE, "no_table" }, { MV_MALFORMED, "malformed" },
				       { MV_UNVERSIONED, "unversioned" },
				       { MV_UNRESOLVED, "unresolved" }),
		      __print_symbolic(__entry->action, { MV_ADMIT, "admit" },
				       { MV_ADMIT_TAINT, "admit_taint" }, { MV_REFUSE, "refuse" }))
);

TRACE_EVENT(modver_explain,
	    TP_PROTO(const char *module, const char *symbol, const char *stamp, u32 root, u32 roots,
		     const char *class, const char *text),
	    TP_ARGS(module, symbol, stamp, root, roots, class, text),
	    TP_STRUCT__entry(__array(char, module, MODULE_NAME_LEN)
			     __array(char, symbol, MODVER_TRACE_NAME_LEN)
			     __array(char, stamp, MODVER_TRACE_WORD_LEN)
			     __field(u32, root)
			     __field(u32, roots)
			     __array(char, class, MODVER_TRACE_WORD_LEN)
			     __array(char, text, MODVER_TRACE_TEXT_LEN)),
	    TP_fast_assign(strscpy(__entry->module, module, MODULE_NAME_LEN);
			   strscpy(__entry->symbol, symbol, MODVER_TRACE_NAME_LEN);
			   strscpy(__entry->stamp, stamp, MODVER_TRACE_WORD_LEN);
			   __entry->root = root;
			   __entry->roots = roots;
			   strscpy(__entry->class, class, MODVER_TRACE_WORD_LEN);
			   strscpy(__entry->text, text, MODVER_TRACE_TEXT_LEN);),
	    TP_printk("module=%s symbol=%s stamp=%s root=%u/%u class=%s text=%s",
		      __entry->module, __entry->symbol, __entry->stamp, __entry->root,
		      __entry->roots, __entry->class, __entry->text)
);

#endif /* MODVER_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE modver_trace
#include <trace/define_trace.h>
