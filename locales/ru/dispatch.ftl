# Ход рассылки, итоги и автоматические паузы: их получает администратор, запустивший отправку.
dispatch-progress =
    📤 { $name } (#{ $id })
    { $bar } { $percent }%
    Отправлено: { $sent } · Ошибок: { $failed } · Осталось: { $remaining } из { $total }
    Осталось времени: { $eta }
dispatch-summary-published =
    ✅ { $name } (#{ $id }) опубликована.
    Отправлено: { $sent } из { $total } · Ошибок: { $failed }
dispatch-summary-failed =
    ❌ { $name } (#{ $id }): отправка не удалась.
    Отправлено: { $sent } из { $total } · Ошибок: { $failed }
dispatch-summary-reason = • { $reason }: { $count }
dispatch-summary-unknown = ❔ Неизвестно, дошли ли { $unknown }: отправка прервалась на них, и повторно их не отправляли, чтобы никто не получил сообщение дважды.
dispatch-summary-next = 🕐 Следующий запуск: { $next }
dispatch-paused = ⏸ { $name } (#{ $id }) на паузе. Отправлено: { $sent } из { $total }.
dispatch-cancelled = 🚫 { $name } (#{ $id }) отменена. До отмены отправлено: { $sent } из { $total }.
dispatch-auto-paused =
    ⚠️ { $name } (#{ $id }) поставлена на паузу автоматически: { $count } отправок подряд не удались ({ $reason }).
    Отправлено: { $sent } из { $total }. Устраните причину и возобновите кампанию из её карточки.
dispatch-reason-invalid_number = неверный номер
dispatch-reason-blocked = бот заблокирован или удалён
dispatch-reason-network = ошибки сети или Telegram
dispatch-reason-platform_restriction = запрещено Telegram (права, токен бота)
dispatch-reason-rate_limited = ограничение скорости Telegram
dispatch-reason-chat_not_found = чат не найден
dispatch-reason-content_rejected = Telegram не принял сообщение
dispatch-reason-unknown = неизвестная ошибка
