#!/bin/busybox sh
# shellcheck shell=dash
# net-guest.sh — the guest's half of the virtio-net lab test, run by the
# guest's /init (Linux under the step07 VMM, busybox only).  Sourced:
#
#	. /net-guest.sh
#	net_guest_test MODDIR ADDR/PREFIX PEER FILE
#
# It loads virtio-net's modules from MODDIR (virtio_ring virtio virtio_mmio
# failover net_failover virtio_net: the lab kernel has them as modules;
# virtio_mmio binds our device from its ACPI description, LNRO0005; MODDIR
# "-": /init has loaded them with modprobe), gives
# eth0 ADDR/PREFIX, pings PEER, sends FILE to PEER port 5001, receives a
# file on port 5002 into /tmp/net-received, and prints one marker per
# result on the console, for the host's half (net-host.sh) to check:
#	@@net:eth0 mac=MAC driver=DRIVER@@
#	@@net:ping transmitted=N received=N@@     and the round-trip line
#	@@net:sent size=BYTES sha256=HEX@@       (what it sent)
#	@@net:listening@@                        (port 5002 is open)
#	@@net:received size=BYTES sha256=HEX@@   (what it received)
#
# busybox nc half-closes the connection when its stdin ends and exits when
# the socket's input ends: a receiver whose stdin is /dev/null ends the
# transfer before it began.  Receivers here read their stdin from a fifo
# held open (fd 3) until the transfer is over.

NET_PING_COUNT=10
NET_PORT_TO_HOST=5001
NET_PORT_TO_GUEST=5002
NET_RECEIVED=/tmp/net-received

net_guest_modules() { # MODDIR
	for m in virtio_ring virtio virtio_mmio failover net_failover virtio_net; do
		insmod "$1/$m.ko" || echo "@@net:error insmod $m@@"
	done
}

net_guest_ping() { # PEER
	out=$(ping -c "$NET_PING_COUNT" -i 0.2 -W 5 "$1")
	tx=$(echo "$out" | sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p')
	rx=$(echo "$out" | sed -n 's/.* \([0-9]*\) packets received.*/\1/p')
	echo "@@net:ping transmitted=${tx:-0} received=${rx:-0}@@"
	echo "$out" | grep round-trip
}

net_guest_send() { # PEER FILE
	time nc "$1" "$NET_PORT_TO_HOST" <"$2"
	echo "@@net:sent size=$(stat -c %s "$2") sha256=$(sha256sum "$2" | cut -d' ' -f1)@@"
}

net_guest_receive() {
	rm -f /tmp/net-hold "$NET_RECEIVED"
	mkfifo /tmp/net-hold
	nc -l -p "$NET_PORT_TO_GUEST" </tmp/net-hold >"$NET_RECEIVED" &
	pid=$!
	exec 3>/tmp/net-hold
	sleep 1
	echo "@@net:listening@@"
	wait "$pid"
	exec 3>&-
	echo "@@net:received size=$(stat -c %s "$NET_RECEIVED") sha256=$(sha256sum "$NET_RECEIVED" | cut -d' ' -f1)@@"
}

net_guest_test() { # MODDIR ADDR/PREFIX PEER FILE
	[ "$1" = - ] || net_guest_modules "$1"
	ip link set lo up
	ip addr add "$2" dev eth0
	ip link set eth0 up
	echo "@@net:eth0 mac=$(cat /sys/class/net/eth0/address) driver=$(basename "$(readlink /sys/class/net/eth0/device/driver)")@@"
	net_guest_ping "$3"
	net_guest_send "$3" "$4"
	net_guest_receive
	grep eth0 /proc/net/dev
}
