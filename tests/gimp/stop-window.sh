# Sourced by stop-gimp2.sh and stop-gimp3.sh: a display of our own, and a
# user's clicks on Reconstruct's dialog and on its Stop window.  The caller
# defines fail() and has started GIMP, which runs Reconstruct
# interactively on a new image.

# Starts Xvfb on a free display and exports DISPLAY; $xvfb is its pid.
start_xvfb() { # FOLDER
  Xvfb -displayfd 3 -screen 0 1280x900x24 -nolisten tcp 3> "$1/display" 2> "$1/xvfb.log" &
  xvfb=$!
  for _ in $(seq 50); do [ -s "$1/display" ] && break; sleep 0.1; done
  export DISPLAY=:$(cat "$1/display")
}

title="Redraw the layer or selection"   # the filter's blurb: both windows' title
window() {  # the visible window titled so, other than $1; waits up to 120 s
  local w
  for _ in $(seq 240); do
    w=$(xdotool search --onlyvisible --name "$title" 2> /dev/null | grep -vx "${1:-none}" | head -1)
    [ -n "$w" ] && { echo "$w"; return 0; }
    sleep 0.5
  done
  return 1
}

# The dialog is set by keyboard to Faces "the selection as it is" (the
# picture has no face) and 100000 iterations and accepted, and Stop is
# pressed two seconds into the search; $width is the Stop
# window's width.  A screenshot goes to FOLDER/running.png.
press_stop() { # FOLDER
  local dialog stop
  dialog=$(window) || fail "the filter's dialog did not open"
  xdotool windowfocus --sync "$dialog"
  xdotool key alt+a Down alt+i ctrl+a && xdotool type 100000 && xdotool key Tab alt+o
  stop=$(window "$dialog") || fail "no progress window after OK"
  sleep 2                                  # the search is running
  width=$(xdotool getwindowgeometry "$stop" | sed -n 's/.*Geometry: \([0-9]*\)x.*/\1/p')
  command -v import > /dev/null && import -window root "$1/running.png" 2> /dev/null
  xdotool windowfocus --sync "$stop"
  xdotool key alt+s
}
