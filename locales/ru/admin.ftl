admin-home =
    Добро пожаловать, { $name } ({ $role }).

    /newcampaign: создать кампанию
    /campaigns: список, правка, копия, отправка
    /stats: аналитика
    /training: автоответы на отклики по кампаниям
    /groups: группы и каналы
    /contacts: контакты WhatsApp
    /templates: шаблоны сообщений
    /whatsapp: подключение WhatsApp
    /settings: администраторы, язык, часовой пояс
    /cancel: выйти из любого шага
admin-home-new-campaign = ➕ Новая кампания
admin-home-campaigns = 📋 Кампании
admin-home-stats = 📊 Статистика
admin-home-groups = 👥 Группы
admin-home-contacts = 📇 Контакты
admin-home-templates = 🧩 Шаблоны
admin-home-whatsapp = 🟢 WhatsApp
admin-home-settings = ⚙️ Настройки
