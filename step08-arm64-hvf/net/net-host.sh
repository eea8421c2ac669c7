#!/bin/sh
# net-host.sh — the lab VM's half of the virtio-net lab test: the tap the
# VMM attaches to, the file transfers with the guest, and the verdict.
# Sourced by the step's lab.sh (busybox sh in the lab VM, as root, with
# the tun module loaded: lab-run --load tun):
#
#	. ./net-host.sh
#	net_host_up TAP ADDR/PREFIX          a tap with the host's address
#	net_host_listen FILE                 receive the guest's file
#	./vmm ... --net tap=TAP ... >LOG 2>&1 &
#	net_host_send LOG PEER FILE          when the guest listens, send
#	wait                                 (the VMM ends: the guest reboots)
#	net_host_check LOG FILE-RECEIVED SENT-BY-GUEST SENT-BY-HOST
#	                                     prints "net=verified", or why not
#
# The tap is made persistent beforehand with busybox tunctl (busybox's ip
# has no "tuntap"), so it has its address and is up before the guest
# boots; the VMM attaches to it by name (TUNSETIFF) and leaves it there.
# Addresses are link-local (169.254.0.0/16): nothing is routed anywhere.
# See net-guest.sh for why the receivers' stdin is a fifo held open.

NET_PORT_TO_HOST=5001
NET_PORT_TO_GUEST=5002
NET_WAIT=600 # half-seconds to wait for the guest to listen

net_host_up() { # TAP ADDR/PREFIX
	tunctl -t "$1" >/dev/null || return 1
	ip addr add "$2" dev "$1" && ip link set "$1" up
}

net_host_listen() { # FILE
	rm -f net-hold "$1"
	mkfifo net-hold
	nc -l -p "$NET_PORT_TO_HOST" <net-hold >"$1" &
	NET_LISTENER=$!
	exec 3>net-hold
}

net_host_send() { # LOG PEER FILE
	i=0
	while ! grep -q '@@net:listening@@' "$1"; do
		i=$((i + 1))
		[ "$i" -lt "$NET_WAIT" ] || { echo "net-host: the guest never listened"; return 1; }
		sleep 0.5
	done
	time nc "$2" "$NET_PORT_TO_GUEST" <"$3"
}

# The value of KEY= in the guest's marker @@net:WHAT ...@@, or "".
net_marker() { # LOG WHAT KEY
	sed -n "s/.*@@net:$2 .*$3=\([^ @]*\).*/\1/p" "$1" | tail -n 1
}

net_host_check() { # LOG RECEIVED GUEST-FILE HOST-FILE
	exec 3>&-
	kill "$NET_LISTENER" 2>/dev/null
	tx=$(net_marker "$1" ping transmitted)
	rx=$(net_marker "$1" ping received)
	if [ -z "$tx" ] || [ "$tx" = 0 ] || [ "$tx" != "$rx" ]; then
		echo "net=failed reason=ping:${rx:-none}/${tx:-none}"
		return 1
	fi
	if ! cmp -s "$2" "$3"; then
		echo "net=failed reason=guest-to-host:$(stat -c %s "$2" 2>/dev/null || echo 0)/$(stat -c %s "$3")"
		return 1
	fi
	size=$(net_marker "$1" received size)
	sum=$(net_marker "$1" received sha256)
	if [ "$size" != "$(stat -c %s "$4")" ] || [ "$sum" != "$(sha256sum "$4" | cut -d' ' -f1)" ]; then
		echo "net=failed reason=host-to-guest:${size:-none}/$(stat -c %s "$4")"
		return 1
	fi
	echo "net=verified"
}
