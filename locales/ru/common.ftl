# Общие строки: доступ, ошибки, устаревшие кнопки, меню команд.
error-internal = У нас что-то пошло не так. Ничего не изменилось, попробуйте ещё раз.
outdated-button = Эта кнопка устарела: ничего не изменилось.
outdated-button-menu = Эта кнопка устарела: ничего не изменилось. Вот меню.
button-expired = Срок действия этой кнопки истёк: ничего не изменилось. Откройте экран заново и нажмите кнопку там.
unknown-command = Я не знаю команду { $command }. Отправьте /help, чтобы увидеть, что я умею.
admin-unknown-text = Я не понял. Отправьте /help, чтобы увидеть команды, или /cancel, чтобы выйти из текущего шага.
not-allowed = Это могут делать только администраторы.
viewer-read-only = Вы наблюдатель: можете смотреть всё, но не менять.

role-owner = владелец
role-admin = администратор
role-viewer = наблюдатель

command-start = Подписаться на рассылку
command-stop = Отписаться
command-help = Что умеет этот бот
command-newcampaign = Создать кампанию
command-campaigns = Список кампаний и управление
command-stats = Аналитика кампаний
command-groups = Группы и каналы Telegram
command-contacts = Контакты и сегменты WhatsApp
command-templates = Шаблоны сообщений
command-whatsapp = Подключение WhatsApp
command-settings = Администраторы, язык, часовой пояс
command-cancel = Выйти из текущего шага
