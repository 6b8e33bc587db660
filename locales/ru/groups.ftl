# /groups: чаты, в которых есть бот, и их подписчики.
groups-title = 👥 Группы и каналы ({ $total }) · стр. { $page }/{ $pages }
groups-empty = Бота пока нет ни в одной группе или канале. Добавьте его: он зарегистрирует чат и сообщит вам.
groups-line = { $n }. { $title } — { $type ->
    [group] группа
    [supergroup] супергруппа
   *[channel] канал
}, { $members } { $members ->
    [one] участник
    [few] участника
   *[other] участников
}
groups-chat-title = 👥 { $title }
groups-chat-info = { $type ->
    [group] Группа
    [supergroup] Супергруппа
   *[channel] Канал
} · { $members } { $members ->
    [one] участник
    [few] участника
   *[other] участников
} · ID { $id }
groups-chat-opted-out = 🚫 Администраторы чата отказались от кампаний.
groups-chat-cannot-post = ⚠️ Бот не может здесь писать (сделайте его администратором с правом публикации).
groups-chat-gone = Этот чат боту больше не известен.
groups-subscribers-title = Подписчики, замеченные в чате: { $total } · стр. { $page }/{ $pages }
groups-subscribers-empty = Пока никого: участники появляются, когда пишут в чат или вступают в него.
groups-subscriber-line = { $id } · { $name } · { $username }
groups-btn-export = ⬇ Экспорт CSV
groups-btn-back-groups = ⬅ Все группы
groups-btn-back-group = ⬅ К группе
groups-btn-back-user = ⬅ Назад
groups-btn-no = ✖ Нет, назад
groups-export-caption = ⬇ Подписчики «{ $title }»: { $count }.

groups-user-title = 👤 { $name } · { $username } · ID { $id }
groups-user-subscribed = Личные сообщения: { $subscribed ->
    [yes] подписан(а)
   *[no] не подписан(а)
}
groups-user-blocked = Заблокирован(а): { $blocked ->
    [admin] да, администратором
    [user] да, пользователь заблокировал бота
   *[no] нет
}
groups-user-segments = Сегменты: { $segments }
groups-user-groups = Замечен(а) в группах: { $count }
groups-user-gone = Этот пользователь боту больше не известен.
groups-btn-dm = ✉️ Написать лично
groups-btn-segment = 🏷 Добавить в сегмент
groups-btn-remove = ✕ Убрать из группы
groups-btn-block = ⛔ Заблокировать

groups-remove-confirm = Убрать { $name } из подписчиков «{ $title }»? В самом чате Telegram человек останется.
groups-btn-remove-yes = ✕ Да, убрать
groups-removed = ✕ { $name } убран(а) из «{ $title }».
groups-not-in-group = { $name } уже нет в списке «{ $title }».
groups-block-confirm = Заблокировать { $name }? Ему (ей) больше ничего не будет отправляться.
groups-btn-block-yes = ⛔ Да, заблокировать
groups-blocked = ⛔ { $name } заблокирован(а): больше ничего не отправляется.
groups-segment-title = 🏷 В какой сегмент добавить { $name }?
groups-segment-added = 🏷 { $name } теперь в сегменте «{ $segment }».

groups-dm-prompt = ✉️ Напишите сообщение для { $name }. Перед отправкой вы увидите его ещё раз.
groups-dm-confirm =
    Отправить это { $name }?

    { $text }
groups-btn-dm-send = ✉️ Отправить
groups-dm-blocked-user = Этот пользователь заблокирован: ему ничего не отправляется.
groups-dm-sent = ✅ Сообщение отправлено: { $name }.
groups-dm-failed-blocked = ⚠️ Не отправлено: { $name } заблокировал(а) бота.
groups-dm-failed-deactivated = ⚠️ Не отправлено: аккаунт { $name } удалён.
groups-dm-failed-not-started = ⚠️ Не отправлено: { $name } ни разу не открывал(а) чат с ботом, а Telegram разрешает ботам писать только тем, кто это сделал.
groups-dm-failed-rate = ⚠️ Не отправлено: Telegram просит снизить темп. Попробуйте через минуту.
groups-dm-failed-network = ⚠️ Не отправлено: Telegram недоступен. Попробуйте ещё раз.
groups-dm-failed-other = ⚠️ Не отправлено ({ $name }): Telegram ответил «{ $description }».
