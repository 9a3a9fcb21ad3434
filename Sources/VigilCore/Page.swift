/// Which slice of a list to return: at most ``limit`` items after a cursor.
public struct PageRequest: Sendable, Equatable {
    /// The default number of items in a page.
    public static let defaultLimit = 50
    /// The largest page a caller may ask for.
    public static let maximumLimit = 200

    /// How many items at most.
    public let limit: Int
    /// The position after which the page starts: the sort key of the last item of the previous
    /// page, or `nil` for the first page.
    public let after: String?

    /// Makes a page request.
    /// - Parameters:
    ///   - limit: How many items at most, 1 to ``maximumLimit``.
    ///   - after: The decoded cursor of the previous page.
    /// - Throws: ``ValidationError`` for a limit out of range.
    public init(limit: Int = PageRequest.defaultLimit, after: String? = nil) throws {
        guard (1...Self.maximumLimit).contains(limit) else {
            throw ValidationError(field: "limit", message: "must be between 1 and \(Self.maximumLimit)")
        }
        self.limit = limit
        self.after = after
    }

    /// The first page of the default size.
    public static let first = try! PageRequest()
}

/// One page of a list, and where the next one starts.
public struct Page<Item: Sendable>: Sendable {
    /// The items, in the list's order.
    public let items: [Item]
    /// The sort key of the last item when more may follow; `nil` on the last page.
    public let nextAfter: String?

    /// Cuts a page out of up to `limit + 1` fetched items: the extra one only says more exist.
    /// - Parameters:
    ///   - fetched: The items fetched with a limit one larger than asked for.
    ///   - request: The page asked for.
    ///   - key: The sort key of an item.
    public init(fetched: [Item], request: PageRequest, key: (Item) -> String) {
        if fetched.count > request.limit {
            let items = Array(fetched.prefix(request.limit))
            self.items = items
            self.nextAfter = items.last.map(key)
        } else {
            self.items = fetched
            self.nextAfter = nil
        }
    }

    /// Describes a page.
    public init(items: [Item], nextAfter: String?) {
        self.items = items
        self.nextAfter = nextAfter
    }

    /// The same page with each item transformed, its cursor kept.
    public func map<Other>(_ transform: (Item) throws -> Other) rethrows -> Page<Other> {
        Page<Other>(items: try items.map(transform), nextAfter: nextAfter)
    }
}

extension Page: Equatable where Item: Equatable {}
