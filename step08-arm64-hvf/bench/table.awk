# table.awk — bench-table's arithmetic: the runs in, the table's rows out.
#
# Runs on the host, under bench-table.  Reads the lines lab.sh and
# run-bench printed (bench:, bench-info:, bench-host:, bench-note:, and
# lab-run's "init reached" line) and prints tab-separated records that
# format.awk lays out:
#   H  TEXT                                  a heading line
#   R  METRIC UNIT OMIN OMED QMIN QMED RATIO TARGET VERDICT
#   B  WHAT OURS QEMU                        the boot's breakdown (medians)
#   I  INITCALL OURS QEMU                    the slowest initcalls (us)
#   N  TEXT                                  a note
# A run counts when the VMM exited 0 after the guest's last marker; the
# others are counted in a note.  Runs of round "initcalls" feed only the
# I records.  The rows are the machine's (bench-info: arch): x86_64's
# exits are port I/O (and CPUID, KVM's alone), aarch64's MMIO, and each
# has its own breakdown of the boot and its own notes.

function add(v, k, x) {
	n = ++cnt[v SUBSEP k]
	val[v SUBSEP k SUBSEP n] = x + 0
}

# Sort the values of (v, k) into s[1..n]; return n.
function sorted(v, k,    n, i, j, t) {
	n = cnt[v SUBSEP k] + 0
	for (i = 1; i <= n; i++)
		s[i] = val[v SUBSEP k SUBSEP i]
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && s[j - 1] > s[j]; j--) {
			t = s[j]; s[j] = s[j - 1]; s[j - 1] = t
		}
	return n
}
function vmin(v, k) { return sorted(v, k) ? s[1] : "" }
function vmed(v, k,    n) {
	n = sorted(v, k)
	if (!n)
		return ""
	return n % 2 ? s[(n + 1) / 2] : (s[n / 2] + s[n / 2 + 1]) / 2
}
function num(x, digits) {
	return x == "" ? "-" : sprintf("%." digits "f", x)
}
function ratio(a, b) {
	return (a == "" || b == "" || b == 0) ? "" : a / b
}

# A metric's row: ours against QEMU (or against the QEMU variant q).
# cmp: "le" or "ge", the ratio's target; "abs-le": ours' median's target.
function row(metric, unit, k, digits, q, cmp, target,    om, qm, r, verdict, shown) {
	om = vmed("ours", k); qm = vmed(q, k); r = ratio(om, qm)
	if (cmp == "")
		verdict = ""
	else if (om == "" || (qm == "" && cmp != "abs-le"))
		verdict = "pending"
	else if (cmp == "le")
		verdict = (r <= target + 0) ? "met" : "not met"
	else if (cmp == "ge")
		verdict = (r >= target + 0) ? "met" : "not met"
	else
		verdict = (om <= target + 0) ? "met" : "not met"
	shown = cmp == "le" ? "ratio <= " target : cmp == "ge" ? "ratio >= " target : \
		cmp == "abs-le" ? "ours <= " target " " unit : ""
	printf "R\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", metric, unit,
		num(vmin("ours", k), digits), num(om, digits),
		num(vmin(q, k), digits), num(qm, digits), num(r, 2), shown, verdict
}
function brow(what, k, digits) {
	printf "B\t%s\t%s\t%s\n", what, num(vmed("ours", k), digits),
		num(vmed("qemu", k), digits)
}

{ sub(/\r$/, "") }
/^bench-info: |^bench-host: / {
	line = $0; sub(/^bench-[a-z]*: /, "", line)
	k = line; sub(/=.*/, "", k)
	v = line; sub(/^[^=]*=/, "", v)
	info[k] = v
	next
}
/^bench-note: / { notes[++nnotes] = substr($0, 13); next }
/^lab: init reached after / { info["lab_boot_s"] = $5; next }
/^bench: / {
	delete r
	for (i = 2; i <= NF; i++) {
		k = $i; sub(/=.*/, "", k)
		v = $i; sub(/^[^=]*=/, "", v)
		r[k] = v
	}
	v = r["vmm"]
	if (r["round"] == "initcalls") {
		for (k in r)
			if (k ~ /^initcall_.*_us$/) {
				name = k; sub(/^initcall_/, "", name); sub(/_us$/, "", name)
				ic[v SUBSEP name] = r[k]; icname[name] = 1
			}
		next
	}
	if (r["exit"] != "0" || r["init_us"] == "" || r["done_us"] == "") {
		failed[v]++
		next
	}
	runs[v]++
	add(v, "boot", r["init_us"] / 1000)
	if (r["vm_us"] != "")
		add(v, "vm", r["vm_us"] / 1000)
	if (r["first_exit_us"] != "")
		add(v, "first_exit", r["first_exit_us"] / 1000)
	if (r["first_byte_us"] != "")
		add(v, "first_byte", r["first_byte_us"] / 1000)
	if (r["first_exit_us"] != "" && r["first_byte_us"] != "")
		add(v, "decompress", (r["first_byte_us"] - r["first_exit_us"]) / 1000)
	if (r["k_run_init_us"] != "") {
		# The kernel's clock starts (kvm-clock's sched_clock, in
		# setup_arch) this long before /init ran, by its own account.
		add(v, "k_run_init", r["k_run_init_us"] / 1000)
		if (r["first_byte_us"] != "")
			add(v, "early", (r["init_us"] - r["k_run_init_us"] - r["first_byte_us"]) / 1000)
	}
	if (r["k_run_init_us"] != "")
		add(v, "kclock0", (r["init_us"] - r["k_run_init_us"]) / 1000)
	if (r["k_unpack_end_us"] != "" && r["k_unpack_start_us"] != "")
		add(v, "unpack", (r["k_unpack_end_us"] - r["k_unpack_start_us"]) / 1000)
	if (r["clock_b"] != "" && r["at_clock_b_us"] > r["at_clock_a_us"])
		add(v, "clock", (r["clock_b"] - r["clock_a"]) * 1000 / (r["at_clock_b_us"] - r["at_clock_a_us"]))
	if (r["cpu_ms"] != "") {
		add(v, "cpu", r["cpu_ms"])
		add(v, "threads", r["threads"])
		add(v, "sleeps", r["sleeps"])
	}
	if (r["overhead_kb"] != "") {
		add(v, "overhead", r["overhead_kb"])
		add(v, "ram_rss", r["ram_rss_kb"] / 1024)
		add(v, "ram_thp", r["ram_thp_kb"] / 1024)
		add(v, "code", r["code_bytes"] / 1048576)
		codefiles[v] = r["code_files"]
		if (r["ram_vma_kb"] != info["guest_mem_mib"] * 1024)
			odd_vma[v] = r["ram_vma_kb"]
	}
	if (r["blk_iops"] != "")
		add(v, "blk", r["blk_iops"])
	if (r["net_rx_ns"] > 0)
		add(v, "net", r["net_bytes"] * 1000 / r["net_rx_ns"])
	if (r["pio_ns"] != "")
		add(v, "pio", r["pio_ns"])
	if (r["cpuid_ns"] != "")
		add(v, "cpuid", r["cpuid_ns"])
	if (r["mmio_ns"] != "")
		add(v, "mmio", r["mmio_ns"])
	for (k in r)
		if (k ~ /^kvm_boot_/)
			add(v, k, r[k])
	if (r["clocksource"] != "")
		clocksource[v] = r["clocksource"]
}

END {
	if (!runs["ours"] || !runs["qemu"]) {
		printf "bench-table: no complete run of %s in the log\n",
			runs["ours"] ? "QEMU" : "our VMM" >"/dev/stderr"
		exit 1
	}
	arch = info["arch"] != "" ? info["arch"] : "x86_64"
	printf "H\tmake bench (%s): our %sVMM against %s -M %s, the same guest side by side\n",
		arch, info["step"] != "" ? info["step"] " " : "",
		info["qemu"] != "" ? info["qemu"] : "QEMU",
		info["qemu_machine"] != "" ? info["qemu_machine"] : "microvm"
	printf "H\tmachine: %s, %s cores; engine %s (%s); %s; host load %s -> %s\n",
		info["host_cpu"], info["host_cores"], info["engine"], info["lab_vm"],
		info["date"], info["load_before"], info["load_after"]
	printf "H\tguest: Linux %s, %s MiB, 1 vCPU; %d runs of each VMM, alternating; min and median\n",
		info["lab_kernel"], info["guest_mem_mib"], runs["ours"] < runs["qemu"] ? runs["ours"] : runs["qemu"]
	rows()
	if (arch == "aarch64")
		boot_aarch64()
	else
		boot_x86_64()
	initcalls()
	if (arch == "aarch64")
		notes_aarch64()
	else
		notes_x86_64()
	notes_common()
}

function rows() {
	row("boot to init", "ms", "boot", 0, "qemu", "le", "0.8")
	if (runs["qemu-rtc"])
		row("boot to init, QEMU rtc=on (reference)", "ms", "boot", 0, "qemu-rtc", "", "")
	row("VMM memory overhead", "KiB", "overhead", 0, "qemu", "abs-le", "2048")
	row("VMM code mapped", "MiB", "code", 1, "qemu", "", "")
	row("guest RAM resident", "MiB", "ram_rss", 1, "qemu", "", "")
	row("virtio-blk 4K random read, QD1", "IOPS", "blk", 0, "qemu", "ge", "1.0")
	row("virtio-net TCP guest->lab", "MB/s", "net", 1, "qemu", "ge", "1.0")
	if (runs["qemu-vhost"])
		row("virtio-net TCP, QEMU vhost-net (reference)", "MB/s", "net", 1, "qemu-vhost", "", "")
	if (arch == "aarch64") {
		row("MMIO exit round trip", "ns", "mmio", 0, "qemu", "le", "1.0")
		return
	}
	row("port-I/O exit round trip", "ns", "pio", 0, "qemu", "le", "1.0")
	row("CPUID exit (KVM only, reference)", "ns", "cpuid", 0, "qemu", "", "")
}

function boot_x86_64() {
	brow("VMM start -> KVM_CREATE_VM (debugfs)", "vm", 1)
	brow("VMM start -> first exit (a vCPU runs)", "first_exit", 1)
	brow("first exit -> first console byte", "decompress", 1)
	brow("first console byte -> kernel clock 0", "early", 1)
	brow("kernel clock 0 -> 'Run /init' (its clock)", "k_run_init", 1)
	brow("  of it initramfs unpacking (its clock)", "unpack", 1)
	brow("VMM start -> /init marker", "boot", 1)
	brow("KVM exits during the boot", "kvm_boot_exits", 0)
	brow("  of them port I/O", "kvm_boot_io_exits", 0)
	brow("  of them MMIO", "kvm_boot_mmio_exits", 0)
	brow("  of them HLT", "kvm_boot_halt_exits", 0)
	brow("interrupts injected during the boot", "kvm_boot_irq_injections", 0)
	brow("KVM page faults fixed during the boot", "kvm_boot_pf_fixed", 0)
	boot_process()
}

# arm64: no firmware, no decompressor and (quiet) no console output
# before /init on either machine; the kernel's clock is the boot's ruler.
function boot_aarch64() {
	brow("VMM start -> KVM_CREATE_VM (debugfs)", "vm", 1)
	brow("VMM start -> first exit (a vCPU runs)", "first_exit", 1)
	brow("VMM start -> kernel clock 0", "kclock0", 1)
	brow("kernel clock 0 -> 'Run /init' (its clock)", "k_run_init", 1)
	brow("  of it initramfs unpacking (its clock)", "unpack", 1)
	brow("VMM start -> /init marker", "boot", 1)
	brow("KVM exits during the boot", "kvm_boot_exits", 0)
	brow("  of them MMIO, to the VMM", "kvm_boot_mmio_exit_user", 0)
	brow("  of them MMIO, in KVM (vGIC, ioeventfd)", "kvm_boot_mmio_exit_kernel", 0)
	brow("  of them WFI", "kvm_boot_wfi_exit_stat", 0)
	brow("  of them HVC (PSCI)", "kvm_boot_hvc_exit_stat", 0)
	boot_process()
}

function boot_process() {
	brow("guest RAM in huge pages at the sample (MiB)", "ram_thp", 1)
	brow("VMM threads (at the sample)", "threads", 0)
	brow("VMM CPU time, whole run (ms)", "cpu", 0)
	brow("VMM threads' sleeps, whole run", "sleeps", 0)
}

function initcalls(    name, o, q, m, i, j, t) {
	for (name in icname) {
		o = (("ours", name) in ic) ? ic["ours", name] + 0 : 0
		q = (("qemu", name) in ic) ? ic["qemu", name] + 0 : 0
		m = o > q ? o : q
		order[++nic] = sprintf("%012d\t%s", m, name)
	}
	for (i = 2; i <= nic; i++)
		for (j = i; j > 1 && order[j - 1] < order[j]; j--) {
			t = order[j]; order[j] = order[j - 1]; order[j - 1] = t
		}
	for (i = 1; i <= nic && i <= 10; i++) {
		name = order[i]; sub(/^[0-9]*\t/, "", name)
		printf "I\t%s\t%s\t%s\n", name,
			(("ours", name) in ic) ? ic["ours", name] : "-",
			(("qemu", name) in ic) ? ic["qemu", name] : "-"
	}
}

function notes_x86_64() {
	print "N\tthe boot's parts: KVM_CREATE_VM and the first exit as KVM's debugfs shows them (polled every ms); the first console byte is the kernel's early console (earlyprintk), so before it run the firmware (QEMU: qboot) and the decompressor; the kernel's clock (kvm-clock) starts later in setup_arch, and from there the kernel's own times (printk) count: kernel clock 0 is placed at the /init marker minus the kernel's time at 'Run /init'"
	print "N\tmemory overhead: Rss of the VMM process (smaps_rollup) minus the Rss of its guest-RAM mapping (smaps: the smallest anonymous mapping at least the guest's size), sampled after the guest's measurements"
	printf "N\tcode mapped: the files the VMM maps executable, whole (ours: %s file, static; QEMU: %s files, its binary and shared libraries); QEMU also reads its firmware (bios-microvm.bin, linuxboot_dma.bin)\n",
		codefiles["ours"], codefiles["qemu"]
}

function notes_aarch64() {
	print "N\tthe boot's parts: KVM_CREATE_VM and the first exit as KVM's debugfs shows them (polled every ms); neither machine runs firmware or a decompressor (the Image is uncompressed; QEMU enters it through a few instructions of its own boot code), and under quiet neither console shows anything before /init; the kernel's clock (the arch timer's sched_clock) starts in time_init, and from there the kernel's own times (printk) count: kernel clock 0 is placed at the /init marker minus the kernel's time at 'Run /init'"
	print "N\tmemory overhead: Rss of the VMM process (smaps_rollup) minus the Rss of its guest-RAM mapping (smaps: the smallest anonymous mapping at least the guest's size), sampled after the guest's measurements"
	printf "N\tcode mapped: the files the VMM maps executable, whole (ours: %s file, static; QEMU: %s files, its binary and shared libraries); virt reads no firmware to boot -kernel\n",
		codefiles["ours"], codefiles["qemu"]
	print "N\tthe machines: ours has RAM at 0 and the course's 16550 as ns16550a (console=ttyS0); QEMU's virt has RAM at 1 GiB, a PL011 (console=ttyAMA0), an RTC, fw_cfg, a PCIe host and flash; GICv3 and modern virtio-mmio on both; the rest of the command line is the same"
	print "N\tMMIO exit: a 32-bit store through /dev/mem to 0xc0000000, where neither machine has a device: a data abort KVM hands to the VMM as KVM_EXIT_MMIO, which finds no device and runs the vCPU again"
}

function notes_common(    v, i) {
	for (v in odd_vma)
		printf "N\t%s: its guest-RAM mapping is %s KiB, not %s MiB: merged with a neighbour\n",
			v, odd_vma[v], info["guest_mem_mib"]
	if (cnt["ours" SUBSEP "clock"] || cnt["qemu" SUBSEP "clock"])
		printf "N\tthe guest's clock (%s) against the lab VM's, from /init to the sample: ours %s, QEMU %s (guest time / lab time)\n",
			clocksource["ours"], num(vmed("ours", "clock"), 3), num(vmed("qemu", "clock"), 3)
	if (info["lab_boot_s"] != "")
		printf "N\tthe lab VM reached init in %s s with the bundle in its initramfs (QEMU packed: %s KiB)\n",
			info["lab_boot_s"], info["qemu_pack_kib"] != "" ? info["qemu_pack_kib"] : "-"
	for (v in failed)
		printf "N\t%s: %d run(s) did not end cleanly and are left out\n", v, failed[v]
	for (i = 1; i <= nnotes; i++)
		printf "N\t%s\n", notes[i]
}
