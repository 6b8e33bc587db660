# /whatsapp: the connection itself comes with the WhatsApp role.
whatsapp-not-available = 🟢 The WhatsApp connection is not available in this version yet.
