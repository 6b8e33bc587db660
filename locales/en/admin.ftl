admin-home =
    Welcome, { $name } ({ $role }).

    /newcampaign: create a campaign
    /campaigns: list, edit, duplicate, send
    /stats: analytics
    /training: automatic replies to campaign responses
    /groups: groups and channels
    /contacts: WhatsApp contacts
    /templates: message templates
    /whatsapp: WhatsApp connection
    /settings: admins, language, time zone
    /cancel: leave any step
admin-home-new-campaign = ➕ New campaign
admin-home-campaigns = 📋 Campaigns
admin-home-stats = 📊 Stats
admin-home-groups = 👥 Groups
admin-home-contacts = 📇 Contacts
admin-home-templates = 🧩 Templates
admin-home-whatsapp = 🟢 WhatsApp
admin-home-settings = ⚙️ Settings
