#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the QEMU guest as /run.sh (tests/packaging/run.sh packs it with
# scripts/mkinitramfs.sh).  /payload holds lib/modules/<release>/ as `make install
# INSTALL_MOD_PATH=...` produced it on the host (updates/modver.ko or .ko.xz, plus the kernel's
# modules.builtin files) and modver.conf, the example from modprobe.d/.  This script puts them where
# a system has them, runs the guest's own depmod, and loads modver by name with kmod's modprobe.
# Every result is a "@@PKG <key> <value>" line on the serial console; the host judges them.
#
# busybox provides modprobe, insmod, rmmod, depmod and modinfo applets of its own, which the shell
# may prefer: kmod's tools are always called by path, /sbin/<tool>.

rel=$(uname -r)
mods=/lib/modules/$rel
policy=/sys/module/modver/parameters/policy
layout=/sys/module/modver/parameters/force_module_layout

mkdir -p /lib/modules /etc/modprobe.d
cp -r "/payload/lib/modules/$rel" /lib/modules/
# depmod reads modules.order (the order of the kernel's own modules) and warns when it is missing;
# this tree has none of the kernel's modules, so an empty one is the truth.
[ -e "$mods/modules.order" ] || : >"$mods/modules.order"
/sbin/depmod -a >/tmp/depmod.log 2>&1
echo "@@PKG depmod $?"
sed 's/^/@@DEPMOD-LOG /' /tmp/depmod.log
echo "@@PKG dep $(grep modver "$mods/modules.dep")"

cp /payload/modver.conf /etc/modprobe.d/modver.conf
echo "@@PKG config $(/sbin/modprobe -c | grep '^options modver' | tr '\n' ';')"

# The example as shipped: policy=warn, force_module_layout left at its default.
/sbin/modprobe modver
echo "@@PKG modprobe $?"
echo "@@PKG policy $(cat $policy 2>&1)"
echo "@@PKG layout $(cat $layout 2>&1)"
/sbin/modprobe -r modver
echo "@@PKG modprobe-r $?"
if [ -e /sys/module/modver ]; then echo "@@PKG after-r loaded"; else echo "@@PKG after-r unloaded"; fi

# insmod is given a file, not a module name, and reads no modprobe.d: modver's default policy.
/sbin/insmod "$(/sbin/modinfo -n modver)"
echo "@@PKG insmod $?"
echo "@@PKG insmod-policy $(cat $policy 2>&1)"
/sbin/rmmod modver
echo "@@PKG rmmod $?"

# The commented force_module_layout line, uncommented, must be valid and take effect.
sed -i 's/^#options modver force_module_layout=Y$/options modver force_module_layout=Y/' \
	/etc/modprobe.d/modver.conf
/sbin/modprobe modver
echo "@@PKG modprobe2 $?"
echo "@@PKG policy2 $(cat $policy 2>&1)"
echo "@@PKG layout2 $(cat $layout 2>&1)"
/sbin/modprobe -r modver
echo "@@PKG modprobe-r2 $?"

dmesg | grep -E 'modver|BUG:|Oops|WARNING:|Call Trace' | sed 's/^/@@DMESG /'
echo "@@PKG bad $(dmesg | grep -cE 'BUG:|Oops|WARNING:|Call Trace')"
