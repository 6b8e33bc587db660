# /whatsapp: the connection owned by the whatsapp role (state in Redis, commands through Redis).
whatsapp-title = 🟢 WhatsApp
whatsapp-state = Connection: { $state }
whatsapp-state-offline = no whatsapp role has reported yet (is ROLES=…,whatsapp running?)
whatsapp-state-starting = starting…
whatsapp-state-qr = waiting for the QR scan
whatsapp-state-authenticated = logged in, loading chats…
whatsapp-state-ready = ✅ connected
whatsapp-state-disconnected = ⚠️ disconnected
whatsapp-state-logged_out = logged out
whatsapp-state-auth_failure = ⚠️ login failed
whatsapp-state-failed = ❌ could not start
whatsapp-state-stopped = stopped
whatsapp-account = Account: { $account }
whatsapp-last-reason = Reason: { $reason }
whatsapp-test-phone = Your test number: { $phone }
whatsapp-test-phone-none = Your test number: not set (needed for “send test message first”)
whatsapp-qr-hint = Scan the QR image sent to you: WhatsApp on your phone → Settings → Linked devices → Link a device. Or ask for a pairing code.
whatsapp-btn-connect = 🔌 Connect
whatsapp-btn-pair = 🔢 Pairing code
whatsapp-btn-logout = 🚪 Log out
whatsapp-btn-logout-yes = 🚪 Yes, log out
whatsapp-btn-back = ⬅ Back
whatsapp-btn-test-phone = 📱 Test number
whatsapp-btn-refresh = 🔄 Refresh
whatsapp-btn-go = ✅ Looks good, send to everyone
whatsapp-btn-go-yes = ✅ Yes, send to everyone
whatsapp-admins-only = Only admins of this bot can manage WhatsApp.
whatsapp-viewers-read-only = Viewers can see the WhatsApp connection but not change it.
whatsapp-button-outdated = This button is outdated: nothing was changed.
whatsapp-already = WhatsApp is already { $state }.
whatsapp-connect-requested = 🔌 Connecting to WhatsApp… You will get a QR code to scan, or a message when it is connected.
whatsapp-connect-queued-offline = 🔌 Asked to connect, but no whatsapp role is running: start one (ROLES=…,whatsapp) within two minutes.
whatsapp-connecting = 🔌 Starting WhatsApp Web…
whatsapp-not-connected = WhatsApp is not connected.
whatsapp-logout-confirm = Log out of WhatsApp? Sending stops until someone scans a new QR code.
whatsapp-logout-requested = 🚪 Logging out…
whatsapp-logged-out = 🚪 WhatsApp is logged out. Press Connect in /whatsapp to link a phone again.
whatsapp-pair-prompt = 🔢 Send the phone number of the WhatsApp account to link, with its country code, e.g. +49 151 12345678.
whatsapp-pair-unavailable = A pairing code can only be requested while WhatsApp waits for a login (a QR code is showing). Press Connect first.
whatsapp-pair-requested = 🔢 Asking WhatsApp for a pairing code for { $phone }…
whatsapp-pair-code =
    🔢 Pairing code for { $phone }: { $code }
    On that phone: WhatsApp → Settings → Linked devices → Link a device → Link with phone number instead, then type the code.
whatsapp-pair-failed = ⚠️ WhatsApp gave no pairing code: { $detail }
whatsapp-invalid-phone = “{ $input }” is not a valid phone number. Send it with its country code, e.g. +49 151 12345678, or press ✖ Cancel.
whatsapp-test-phone-prompt = 📱 Send your WhatsApp test number, with its country code (e.g. +49 151 12345678). Campaigns with “send test message first” go there before anyone else.
whatsapp-test-phone-saved = 📱 Test number saved: { $phone }.
whatsapp-qr-caption = Scan with WhatsApp → Settings → Linked devices → Link a device. (QR { $n } of { $max }; it renews by itself.)
whatsapp-ready = ✅ WhatsApp is connected: { $account }.
whatsapp-down =
    ⚠️ WhatsApp is not connected: { $reason }
    { $detail }
    Press Connect in /whatsapp to try again.
whatsapp-down-retrying =
    ⚠️ WhatsApp is not connected: { $reason }
    { $detail }
    Trying again by itself in { $seconds } s (or press Connect in /whatsapp).
whatsapp-reason-no_chromium = Chromium could not be started (check CHROME_PATH)
whatsapp-reason-no_network = no network: WhatsApp Web could not be reached
whatsapp-reason-timeout = WhatsApp Web did not load in time
whatsapp-reason-auth_timeout = WhatsApp Web did not finish loading (login timeout)
whatsapp-reason-auth_failure = the saved session was refused; log in again
whatsapp-reason-remote_auth_unavailable = WHATSAPP_AUTH=remote: the session store in MongoDB is not available
whatsapp-reason-logged_out = logged out (from the phone or here)
whatsapp-reason-logout = logged out here
whatsapp-reason-disconnected = the connection was lost
whatsapp-reason-qr_expired = nobody scanned the QR code
whatsapp-reason-error = an unexpected error
whatsapp-reason-media_unavailable = the campaign's file could not be downloaded from Telegram
whatsapp-reason-no_test_phone = no test number set
whatsapp-reason-test_failed = the test message could not be sent
whatsapp-run-paused = ⏸ { $name } (#{ $id }) is paused: { $reason }. Sent so far: { $sent } of { $total }. It resumes where it stopped once you resume it in /campaigns.
whatsapp-resume-offer = ▶ WhatsApp can send again. Paused while it was down:
    { $list }
    Resume each when you are ready (you will be asked to confirm):
whatsapp-resume-item = • { $name } (#{ $id }): { $sent } of { $total } sent
whatsapp-resume-item-unstarted = • { $name } (#{ $id }): not started yet
whatsapp-btn-resume = ▶ Resume #{ $id }
whatsapp-test-no-phone = ⏸ { $name } (#{ $id }) waits for its test message, but you have no test number: set one in /whatsapp → 📱 Test number, then resume the campaign.
whatsapp-test-failed = ⏸ { $name } (#{ $id }): the test message could not be sent ({ $reason }). The campaign is paused.
whatsapp-test-sent = 📱 The test message of { $name } (#{ $id }) went to { $phone }. Check it on that phone, then send the campaign to everyone:
whatsapp-test-approved = ✅ Campaign #{ $id } is sending now.
whatsapp-go-confirm = The test message of campaign #{ $id } looked right? Then send it to everyone now.
# Sent on WhatsApp to a contact who wrote STOP / UNSUBSCRIBE.
whatsapp-optout-confirmed = You are unsubscribed and will get no more messages from us.
