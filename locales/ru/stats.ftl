# /stats: показатели одной кампании или список для выбора.
stats-title = 📊 Кампания #{ $id }: { $name }
stats-subtitle = { $platform } · { $status }
stats-nothing-sent = Пока ничего не отправлено: показатели появятся после отправки.
stats-sent = Отправлено: { $count } { $count ->
    [one] сообщение
    [few] сообщения
   *[other] сообщений
}
stats-delivered = Доставлено: { $count } ({ $percent })
stats-failed = Ошибки: { $count } ({ $percent })
stats-read = Прочитано: { $count } ({ $percent })
stats-clicked = Переходы: { $count } ({ $percent })
stats-responses = Ответы: { $count } ({ $percent })
stats-clicked-tracked = Переходы по отслеживаемым ссылкам: { $count } ({ $percent })
stats-unknown = Результат неизвестен (отправка прервана): { $count } ({ $percent })

stats-delivery-title = Статус доставки
stats-row-delivered = Доставлено — { $count } — { $percent }
stats-row-read = Прочитано — { $count } — { $percent }
stats-row-failed = Ошибки — { $count } — { $percent }
stats-row-pending = В очереди — { $count } — { $percent }

stats-reasons-title = Причины ошибок
stats-reason = { $reason ->
    [invalid_number] Неверный номер
    [blocked] Контакт заблокировал
    [network] Ошибка сети
    [platform_restriction] Ограничение платформы
    [rate_limited] Превышен лимит
    [chat_not_found] Чат не найден
    [content_rejected] Содержимое отклонено
   *[unknown] Неизвестно
}: { $count }

stats-engagement-title = Вовлечённость
stats-ctr = CTR (переходы): { $percent }
stats-response-rate = Доля ответов: { $percent }
stats-conversion-rate = Конверсия: { $percent }
stats-response-time = Среднее время ответа: { $minutes } мин
stats-telegram-limits = ℹ️ Telegram не сообщает ботам, сколько людей просмотрели сообщение или поделились им, поэтому просмотров и репостов здесь нет. Проценты считаются от числа отправленных сообщений.

stats-pick = 📊 Какая кампания? Последние:
stats-pick-line = { $id }. { $name } — { $status }
stats-no-campaigns = Кампаний пока нет. Создайте первую: /newcampaign.
stats-usage = «{ $arg }» — не номер кампании. Отправьте /stats 12 для кампании #12 или просто /stats, чтобы выбрать из списка.
stats-unknown-id = Кампании #{ $id } нет. Отправьте /stats, чтобы выбрать из списка.
stats-btn-refresh = 🔄 Обновить
stats-btn-list = ⬅ Другие кампании
