# /whatsapp: само подключение появится вместе с ролью WhatsApp.
whatsapp-not-available = 🟢 Подключение WhatsApp в этой версии пока недоступно.
