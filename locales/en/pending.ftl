# Questions of the admin screens (search, new name, time zone…).
pending-btn-cancel = ✖ Cancel
pending-cancelled = Cancelled. Nothing was changed.
