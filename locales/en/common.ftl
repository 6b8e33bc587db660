# Shared strings: access, errors, outdated buttons, command menu.
error-internal = Something went wrong on our side. Nothing was changed; please try again.
outdated-button = This button is outdated: nothing was changed.
outdated-button-menu = This button is outdated: nothing was changed. Here is the menu.
button-expired = This button has expired: nothing was changed. Open the screen again and press the button there.
unknown-command = I don't know { $command }. Send /help to see what I can do.
admin-unknown-text = I didn't understand that. Send /help for the commands, or /cancel to leave what you were doing.
not-allowed = Only admins can do that.
viewer-read-only = You are a viewer: you can look at everything, but not change it.

role-owner = owner
role-admin = admin
role-viewer = viewer

command-start = Subscribe to our messages
command-stop = Unsubscribe
command-help = What this bot can do
command-newcampaign = Create a campaign
command-campaigns = List and manage campaigns
command-stats = Campaign analytics
command-groups = Telegram groups and channels
command-contacts = WhatsApp contacts and segments
command-templates = Message templates
command-whatsapp = WhatsApp connection
command-settings = Admins, language, time zone
command-cancel = Leave the current step
