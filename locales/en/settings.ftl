# /settings: admins and roles, language, time zone.
settings-title = ⚙️ Settings
settings-admins-title = Admins:
settings-admin-line = • { $id }{ $name } — { $role }
settings-admin-line-config = • { $id }{ $name } — { $role } (from the configuration)
settings-your-language = Your language: { $language }
settings-your-zone = Your time zone: { $zone } (now { $now })
settings-owner-only-note = Only owners can add, change or remove admins.
settings-language-en = English
settings-language-ru = Русский
settings-btn-language = 🌐 Language
settings-btn-zone = 🕐 Time zone
settings-btn-add = ➕ Add admin
settings-btn-back = ⬅ Back
settings-btn-no = ✖ No, go back
settings-btn-remove = ✕ Remove admin
settings-btn-remove-yes = ✕ Yes, remove
settings-language-title = 🌐 Choose your language:
settings-language-set = 🌐 Language: { $language }.
settings-zone-title =
    🕐 Your time zone: { $zone } (now { $now }).
    It is the default for new campaigns and for date filters. Tap one, or type any IANA zone such as Europe/Paris.
settings-zone-set = 🕐 Time zone set to { $zone } (now { $now }).
settings-add-prompt = ➕ Send the new admin's numeric Telegram user ID, optionally followed by a name, e.g. 123456789 Anna. (They can get their ID from @userinfobot.)
settings-add-invalid = “{ $input }” is not a Telegram user ID: send digits only, optionally followed by a name.
settings-add-role = Which role for { $id }{ $name }? Owner: everything, including admins. Admin: campaigns, groups, contacts. Viewer: sees everything, changes nothing.
settings-added = ✅ { $id } is now { $role }.
settings-you-were-added = You were added as { $role } of this campaign bot. Send /help to see what you can do.
settings-role-changed = ✅ { $id } is now { $role }.
settings-remove-confirm = Remove this admin? { $line }
settings-removed = ✕ { $id } is no longer an admin.
settings-admin-gone = { $id } is not an admin (any more).
settings-config-owner = This owner comes from the configuration (ADMIN_IDS) and cannot be changed or removed here.
settings-owner-only = Only owners can manage admins.
settings-try-again = ⚠️ { $error } Try again, or press ✖ Cancel.
