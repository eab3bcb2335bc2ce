// SPDX-License-Identifier: MIT
/* The input options of cbpf-asm and cbpf-xlate: FILE, -e EXPR or --policy FILE, and theirs. */
#include <string.h>
#include <strings.h>

#include "cli.h"

/* --arch x86_64,i386: each once. */
static int parse_arches(struct cli_input *in, const char *list)
{
	char buf[1024], names[160], *save = NULL;

	if (strlen(list) >= sizeof(buf))
		return cli_usage_error("--arch list too long");
	strcpy(buf, list);
	for (char *name = strtok_r(buf, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
		enum cbpf_arch arch;

		if (cbpf_arch_parse(name, &arch)) {
			cbpf_arch_names(names, sizeof(names), " ", true);
			return cli_usage_error("unknown architecture '%s' for --arch (%s)", name,
					       names);
		}
		for (size_t i = 0; i < in->n_arches; i++)
			if (in->arches[i] == arch)
				return cli_usage_error("architecture '%s' given twice", name);
		in->arches[in->n_arches++] = arch;
	}
	if (!in->n_arches)
		return cli_usage_error("--arch needs at least one architecture");
	return 0;
}

/* --caps CAP_NET_ADMIN,CAP_SYS_PTRACE (or ALL); an empty list means no capabilities. */
static int parse_caps(struct cli_input *in, char *list)
{
	size_t n = 0;
	char *save = NULL;

	for (char *cap = strtok_r(list, ",", &save); cap; cap = strtok_r(NULL, ",", &save)) {
		if (n == CLI_MAX_CAPS)
			return cli_usage_error("--caps lists more than %d capabilities",
					       CLI_MAX_CAPS);
		if (strcasecmp(cap, "ALL") && cbpf_cap_parse(cap, NULL))
			return cli_usage_error("unknown capability '%s' for --caps "
					       "(CAP_SYS_ADMIN or SYS_ADMIN, ..., or ALL)",
					       cap);
		in->caps[n++] = cap;
	}
	in->caps[n] = NULL;
	if (!n)
		in->caps[0] = ""; /* given, and empty: no capabilities at all */
	return 0;
}

int cli_input_option(struct cli_input *in, int c, char *arg)
{
	switch (c) {
	case 'e':
		if (in->expr)
			return cli_usage_error("-e given twice; give one expression");
		in->expr = arg;
		in->source = CLI_SRC_EXPR;
		return 0;
	case 'r':
		in->capture = arg;
		return 0;
	case 'y':
		in->linktype = arg;
		return 0;
	case 's':
		in->snaplen = arg;
		return 0;
	case 'O':
		in->no_optimize = true;
		return 0;
	case CLI_OPT_FROM:
		if (cbpf_form_parse(arg, &in->from) || in->from == CBPF_FORM_DOT)
			return cli_usage_error("unknown input form '%s' "
					       "(auto asm listing comma c dd ddd raw)",
					       arg);
		return 0;
	case CLI_OPT_NO_RELAX:
		in->no_relax = true;
		return 0;
	case CLI_OPT_POLICY:
		if (in->policy)
			return cli_usage_error("--policy given twice; give one policy");
		in->policy = arg;
		in->source = CLI_SRC_POLICY;
		return 0;
	case CLI_OPT_ARCH:
		return parse_arches(in, arg);
	case CLI_OPT_CAPS:
		return parse_caps(in, arg);
	case CLI_OPT_LENIENT:
		in->lenient = true;
		return 0;
	case CLI_OPT_KERNEL:
		if (cbpf_kernel_version_parse(arg, NULL, NULL))
			return cli_usage_error("bad kernel version '%s' for --kernel "
					       "(major.minor, as 5.10 or 6.1.0-13-amd64)",
					       arg);
		in->kernel = arg;
		return 0;
	case CLI_OPT_POLICY_FORMAT:
		if (!strcmp(arg, "json"))
			in->lang = CBPF_POLICY_JSON;
		else if (!strcmp(arg, "minijail"))
			in->lang = CBPF_POLICY_TEXT;
		else
			return cli_usage_error("unknown policy format '%s' for --policy-format "
					       "(json minijail)",
					       arg);
		return 0;
	case CLI_OPT_DEFAULT_ACTION:
	case CLI_OPT_BAD_ARCH: {
		uint32_t action;

		if (cbpf_seccomp_action_parse(arg, &action))
			return cli_usage_error("unknown action '%s' for %s (allow, log, trap, "
					       "errno(EPERM), trace(N), kill-thread, kill-process, "
					       "user-notify)",
					       arg,
					       c == CLI_OPT_BAD_ARCH ? "--bad-arch"
								     : "--default-action");
		if (c == CLI_OPT_BAD_ARCH)
			in->has_bad_arch = true, in->bad_arch = action;
		else
			in->has_default_action = true, in->default_action = action;
		return 0;
	}
	case CLI_OPT_LOG_MODE:
		in->log_mode = true;
		return 0;
	case CLI_OPT_HOST: {
		char names[160];

		if (!cbpf_arch_parse(arg, &in->host))
			return 0;
		cbpf_arch_names(names, sizeof(names), " ", false);
		return cli_usage_error("unknown architecture '%s' for --host (%s)", arg, names);
	}
	case CLI_OPT_STRICT:
		in->strict = true;
		return 0;
	case CLI_OPT_MAX_INPUT:
		if (cli_size_parse(arg, &in->max_input))
			return cli_usage_error("invalid size '%s' for --max-input-size (bytes, or "
					       "with K, M or G: 64M)",
					       arg);
		return 0;
	default:
		return -1;
	}
}

int cli_input_check(const struct cli_input *in)
{
	if (in->expr && in->policy)
		return cli_usage_error("-e and --policy are two inputs; give one");
	if (in->source != CLI_SRC_FILE && in->input)
		return cli_usage_error("%s and the input file '%s' are two inputs; give one",
				       in->source == CLI_SRC_EXPR ? "-e" : "--policy", in->input);
	if (in->source != CLI_SRC_POLICY &&
	    (in->n_arches || in->caps[0] || in->lenient || in->kernel))
		return cli_usage_error("%s applies to --policy only", in->n_arches  ? "--arch"
								      : in->caps[0] ? "--caps"
								      : in->kernel  ? "--kernel"
										    : "--lenient");
	if (in->source != CLI_SRC_POLICY &&
	    (in->lang || in->has_default_action || in->has_bad_arch || in->log_mode || in->host ||
	     in->strict))
		return cli_usage_error("%s applies to --policy only",
				       in->lang			? "--policy-format"
				       : in->has_default_action ? "--default-action"
				       : in->has_bad_arch	? "--bad-arch"
				       : in->log_mode		? "--log-mode"
				       : in->host		? "--host"
								: "--strict");
	if (in->source == CLI_SRC_POLICY && in->from)
		return cli_usage_error("--from reads a program; --policy compiles a policy");
	if (in->source == CLI_SRC_EXPR && in->from)
		return cli_usage_error("--from reads a file; -e compiles an expression");
	if (in->source != CLI_SRC_EXPR &&
	    (in->capture || in->linktype || in->snaplen || in->no_optimize))
		return cli_usage_error("%s applies to -e only", in->capture    ? "-r"
								: in->linktype ? "-y"
								: in->snaplen  ? "-s"
									       : "-O");
	/* tcpdump -r takes both from the file and ignores -y and -s; here they would be lost. */
	if (in->capture && (in->linktype || in->snaplen))
		return cli_usage_error("-r %s gives the link type and snapshot length: drop %s",
				       in->capture, in->linktype ? "-y" : "-s");
	return 0;
}
