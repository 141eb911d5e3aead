// libcurl's multi_socket API on an Asio io_context.
//
// How the pieces meet:
//  - CURLMOPT_SOCKETFUNCTION tells us which fds curl wants watched and for what. Asio watches a
//    dup() of each fd, owned by a posix::stream_descriptor. Watching curl's own fd number
//    would be unsafe: curl closes some fds (the threaded resolver's socketpair) before it
//    tells us, and deregistering a number the kernel already gave to someone else's Asio
//    socket would silently remove *that* socket from epoll. A dup refers to the same open
//    socket, and only we close it. Cost: one fd per watched socket.
//  - Because our dup keeps the socket open, we must drop it when curl closes its fd, or the
//    peer would never see the connection close: CURLOPT_CLOSESOCKETFUNCTION forgets the fd,
//    then closes it. Map entries are keyed by curl's fd number, and checked by (dev, inode)
//    on every socket callback in case curl closed and reused a number without telling us.
//  - Asio's epoll reactor is edge-triggered and async_wait is not speculative, so a readiness
//    edge that arrived while no wait was pending would be lost (curl does not always read
//    until EAGAIN). Before arming a wait we ask poll(2) with a zero timeout and, if the fd is
//    already ready, post the action instead: level-triggered behaviour, one cheap syscall.
//  - CURLMOPT_TIMERFUNCTION drives one steady_timer; its expiry calls
//    curl_multi_socket_action(CURL_SOCKET_TIMEOUT).
//  - Finished transfers are collected with curl_multi_info_read after every action, removed
//    from the multi handle, and their callbacks *posted*: user code never runs inside a curl
//    callback or inside curl_multi_socket_action, so it may start or cancel transfers freely.

#include "wirewatch/net/transfers.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <unordered_map>

#include "wirewatch/log.hpp"

namespace ww::net {

namespace {

std::string to_lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

// `location` resolved against `base` with curl's own URL parser (the same rules curl uses when
// it follows the redirect).
std::string resolve_location(const std::string& base, const std::string& location) {
    CURLU* u = curl_url();
    std::string out = location;
    if (u != nullptr && curl_url_set(u, CURLUPART_URL, base.c_str(), 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_URL, location.c_str(), 0) == CURLUE_OK) {
        char* full = nullptr;
        if (curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK && full != nullptr) {
            out = full;
            curl_free(full);
        }
    }
    curl_url_cleanup(u);
    return out;
}

struct GlobalInit {
    GlobalInit() { curl_global_init(CURL_GLOBAL_DEFAULT); }
};

void ensure_global_init() {
    // curl_global_init is not thread-safe before 7.84 guarantees; a function-local static is.
    static GlobalInit once;
    (void)once;
}

}  // namespace

std::optional<std::string> Response::header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers) {
        if (name == lower_name) {
            return value;
        }
    }
    return std::nullopt;
}

std::string default_user_agent() {
    return std::string("wirewatch/") + WW_VERSION +
           " (media monitoring; +https://wirewatch.invalid)";
}

struct Transfers::Impl : std::enable_shared_from_this<Transfers::Impl> {
    // One fd curl asked us to watch, through our own dup of it.
    struct Socket {
        Socket(boost::asio::io_context& io, int curl_fd, int own_fd, const struct stat& st)
            : descriptor(io, own_fd), fd(curl_fd), dev(st.st_dev), ino(st.st_ino) {}
        boost::asio::posix::stream_descriptor descriptor;
        int fd;  // curl's number, what socket_action expects
        dev_t dev;
        ino_t ino;
        int wanted = 0;  // CURL_POLL_IN / OUT / INOUT
        bool read_armed = false;
        bool write_armed = false;
        bool removed = false;
    };

    struct Transfer {
        Id id = 0;
        CURL* easy = nullptr;
        curl_slist* header_list = nullptr;
        bool is_fetch = false;
        std::function<void(Response)> fetch_done;
        std::function<void(CURLcode, std::string)> perform_done;
        Response response;
        std::uint64_t max_body = 0;
        // Header parsing across redirect hops.
        long hop_status = 0;
        std::string hop_url;
        std::optional<std::string> hop_location;
        char error_buffer[CURL_ERROR_SIZE] = {};
        bool finished = false;  // removed from the multi handle, completion posted
    };

    explicit Impl(boost::asio::io_context& io) : io(io), timer(io) {
        ensure_global_init();
        multi = curl_multi_init();
        if (multi == nullptr) {
            throw std::runtime_error("curl_multi_init failed");
        }
        curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Impl::on_socket);
        curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
        curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Impl::on_timer);
        curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
    }

    ~Impl() {
        for (auto& [id, transfer] : transfers) {
            destroy(*transfer);
        }
        transfers.clear();
        for (CURL* easy : spare_easies) {
            curl_easy_cleanup(easy);
        }
        spare_easies.clear();
        // Closes cached connections: on_close_socket runs for each, while `sockets` still
        // exists.
        curl_multi_cleanup(multi);
        for (auto& [fd, socket] : sockets) {
            release(*socket);
        }
        sockets.clear();
        timer.cancel();
    }

    boost::asio::io_context& io;
    boost::asio::steady_timer timer;
    bool timer_armed = false;                        // an async_wait is pending on `timer`
    std::chrono::steady_clock::time_point deadline;  // the latest one curl asked for
    CURLM* multi = nullptr;
    std::unordered_map<int, std::shared_ptr<Socket>> sockets;
    std::unordered_map<Id, std::unique_ptr<Transfer>> transfers;
    // Easy handles of finished fetches, reset and kept for the next ones: an init and a
    // cleanup per transfer are allocations on the loop thread. (Connections, the DNS cache and
    // TLS sessions are the multi handle's either way.) Handles given to perform() are the
    // caller's configuration and are never kept.
    static constexpr std::size_t kMaxSpareEasies = 64;
    std::vector<CURL*> spare_easies;
    Id next_id = 1;
    bool in_action = false;

    // --- curl callbacks (run inside curl calls made by this object) -----------------------

    static int on_socket(CURL* /*easy*/, curl_socket_t fd, int what, void* userp, void*) {
        auto* self = static_cast<Impl*>(userp);
        if (what == CURL_POLL_REMOVE) {
            self->forget_socket(fd);
            return 0;
        }
        struct stat st {};
        if (::fstat(fd, &st) != 0) {
            return -1;
        }
        std::shared_ptr<Socket> socket;
        auto it = self->sockets.find(fd);
        if (it != self->sockets.end() &&
            (it->second->dev != st.st_dev || it->second->ino != st.st_ino)) {
            self->forget_socket(fd);  // a reused number: the old entry watches a dead socket
            it = self->sockets.end();
        }
        if (it == self->sockets.end()) {
            const int own = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
            if (own < 0) {
                logger("net")->error("cannot watch fd={}: dup failed: {}", fd,
                                     std::strerror(errno));
                return -1;
            }
            try {
                socket = std::make_shared<Socket>(self->io, fd, own, st);
            } catch (const boost::system::system_error& e) {
                ::close(own);
                logger("net")->error("cannot watch fd={}: {}", fd, e.what());
                return -1;
            }
            self->sockets.emplace(fd, socket);
        } else {
            socket = it->second;
        }
        socket->wanted = what;
        self->arm(socket);
        return 0;
    }

    static int on_timer(CURLM*, long timeout_ms, void* userp) {
        auto* self = static_cast<Impl*>(userp);
        if (timeout_ms < 0) {
            self->timer_armed = false;
            self->timer.cancel();
            return 0;
        }
        // curl asks again (0 ms) for every transfer added; re-arming the timer each time is a
        // timerfd_settime per send. A timer already armed for no later than the new deadline
        // stays: when it fires before curl's deadline it re-arms for it, since curl does not
        // call back for a deadline it already asked for.
        self->deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
        if (!self->timer_armed || self->timer.expiry() > self->deadline) {
            self->arm_timer(self->deadline);
        }
        return 0;
    }

    // Even a 0 ms timeout goes through the loop: curl forbids calling socket_action from inside
    // its timer callback.
    void arm_timer(std::chrono::steady_clock::time_point at) {
        timer_armed = true;
        timer.expires_at(at);
        timer.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
            auto impl = weak.lock();
            if (ec || !impl) {
                return;
            }
            impl->timer_armed = false;
            if (std::chrono::steady_clock::now() < impl->deadline) {
                impl->arm_timer(impl->deadline);
                return;
            }
            impl->action(CURL_SOCKET_TIMEOUT, 0);
        });
    }

    static int on_close_socket(void* clientp, curl_socket_t fd) {
        auto* self = static_cast<Impl*>(clientp);
        self->forget_socket(fd);
        return ::close(fd);
    }

    static std::size_t on_write(char* data, std::size_t size, std::size_t count, void* userp) {
        auto* t = static_cast<Transfer*>(userp);
        const std::size_t n = size * count;
        // With CURLOPT_ACCEPT_ENCODING set, these are already-decompressed bytes: the cap
        // holds against compression bombs too.
        if (t->response.body.size() + n > t->max_body) {
            t->response.too_large = true;
            return 0;  // aborts with CURLE_WRITE_ERROR
        }
        if (t->response.body.empty()) {
            reserve_body(*t);
        }
        t->response.body.append(data, n);
        return n;
    }

    // One allocation for the whole body when the server said how long it is, instead of
    // doubling (and copying) through curl's 16 KiB writes. Only a hint: a compressed body
    // grows past it, and a lying Content-Length gets at most kMaxBodyReserve up front.
    static constexpr std::uint64_t kMaxBodyReserve = 1 << 20;
    static void reserve_body(Transfer& t) {
        curl_off_t length = -1;
        if (curl_easy_getinfo(t.easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK &&
            length > 0) {
            const std::uint64_t cap = std::min(t.max_body, kMaxBodyReserve);
            t.response.body.reserve(
                static_cast<std::size_t>(std::min(static_cast<std::uint64_t>(length), cap)));
        }
    }

    static std::size_t on_header(char* data, std::size_t size, std::size_t count, void* userp) {
        auto* t = static_cast<Transfer*>(userp);
        const std::size_t n = size * count;
        std::string_view line(data, n);
        if (line.rfind("HTTP/", 0) == 0) {
            // A new response starts: the previous one, if it was a redirect, is a hop.
            if (t->hop_status >= 300 && t->hop_status < 400 && t->hop_location) {
                std::string target = resolve_location(t->hop_url, *t->hop_location);
                t->response.redirects.emplace_back(t->hop_status, target);
                t->hop_url = target;
            }
            t->hop_location.reset();
            t->response.headers.clear();
            const auto space = line.find(' ');
            t->hop_status =
                space == std::string_view::npos
                    ? 0
                    : std::strtol(std::string(line.substr(space + 1, 3)).c_str(), nullptr, 10);
            return n;
        }
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) {
            return n;  // the blank line ending a header block, or junk
        }
        std::string name = to_lower(trim(line.substr(0, colon)));
        std::string value = trim(line.substr(colon + 1));
        if (name == "location") {
            t->hop_location = value;
        }
        t->response.headers.emplace_back(std::move(name), std::move(value));
        return n;
    }

    // --- loop side --------------------------------------------------------------------------

    void forget_socket(int fd) {
        auto it = sockets.find(fd);
        if (it == sockets.end()) {
            return;
        }
        release(*it->second);
        sockets.erase(it);
    }

    static void release(Socket& socket) {
        if (socket.removed) {
            return;
        }
        socket.removed = true;
        boost::system::error_code ec;
        // Our dup: deregistered from epoll and closed; curl's fd is untouched.
        socket.descriptor.close(ec);
    }

    void arm(const std::shared_ptr<Socket>& socket) {
        if ((socket->wanted & CURL_POLL_IN) != 0 && !socket->read_armed) {
            arm_one(socket, true);
        }
        if ((socket->wanted & CURL_POLL_OUT) != 0 && !socket->write_armed) {
            arm_one(socket, false);
        }
    }

    void arm_one(const std::shared_ptr<Socket>& socket, bool read) {
        (read ? socket->read_armed : socket->write_armed) = true;
        auto handler = [weak = weak_from_this(), socket, read](boost::system::error_code ec) {
            (read ? socket->read_armed : socket->write_armed) = false;
            auto impl = weak.lock();
            if (!impl || socket->removed || ec == boost::asio::error::operation_aborted) {
                return;
            }
            const int want = read ? CURL_POLL_IN : CURL_POLL_OUT;
            if ((socket->wanted & want) == 0) {
                return;  // curl changed its mind while this wait was pending
            }
            impl->action(socket->fd,
                         ec ? CURL_CSELECT_ERR : (read ? CURL_CSELECT_IN : CURL_CSELECT_OUT));
            if (!socket->removed) {
                impl->arm(socket);
            }
        };
        pollfd p{socket->descriptor.native_handle(), static_cast<short>(read ? POLLIN : POLLOUT),
                 0};
        if (::poll(&p, 1, 0) > 0) {
            boost::asio::post(io, [handler = std::move(handler)]() mutable {
                handler(boost::system::error_code());
            });
            return;
        }
        socket->descriptor.async_wait(read ? boost::asio::posix::descriptor_base::wait_read
                                           : boost::asio::posix::descriptor_base::wait_write,
                                      std::move(handler));
    }

    void action(curl_socket_t fd, int events) {
        int running = 0;
        in_action = true;
        curl_multi_socket_action(multi, fd, events, &running);
        in_action = false;
        collect();
    }

    void collect() {
        int left = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
            if (msg->msg != CURLMSG_DONE) {
                continue;
            }
            CURL* easy = msg->easy_handle;
            const CURLcode result = msg->data.result;
            Transfer* t = nullptr;
            curl_easy_getinfo(easy, CURLINFO_PRIVATE, &t);
            curl_multi_remove_handle(multi, easy);
            if (t == nullptr) {
                continue;
            }
            finish(*t, result);
        }
    }

    void finish(Transfer& t, CURLcode result) {
        t.finished = true;
        Response& r = t.response;
        r.result = result;
        curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &r.status);
        char* effective = nullptr;
        curl_easy_getinfo(t.easy, CURLINFO_EFFECTIVE_URL, &effective);
        if (effective != nullptr) {
            r.effective_url = effective;
        }
        if (result != CURLE_OK) {
            std::string message = t.error_buffer[0] != '\0' ? std::string(t.error_buffer)
                                                            : curl_easy_strerror(result);
            if (r.too_large) {
                message =
                    "response body larger than " + std::to_string(t.max_body) + " bytes (max_body)";
            }
            r.error = ww::redact_secrets(std::move(message));
        }
        const Id id = t.id;
        boost::asio::post(io, [weak = weak_from_this(), id] {
            auto impl = weak.lock();
            if (!impl) {
                return;
            }
            auto it = impl->transfers.find(id);
            if (it == impl->transfers.end()) {
                return;  // cancelled after it finished but before this ran
            }
            std::unique_ptr<Transfer> owned = std::move(it->second);
            impl->transfers.erase(it);
            if (owned->is_fetch) {
                auto done = std::move(owned->fetch_done);
                Response response = std::move(owned->response);
                impl->destroy(*owned);
                done(std::move(response));
            } else {
                auto done = std::move(owned->perform_done);
                CURLcode code = owned->response.result;
                std::string error = std::move(owned->response.error);
                impl->destroy(*owned);
                done(code, std::move(error));
            }
        });
    }

    CURL* take_easy() {
        if (spare_easies.empty()) {
            return curl_easy_init();
        }
        CURL* easy = spare_easies.back();
        spare_easies.pop_back();
        return easy;
    }

    void destroy(Transfer& t) {
        if (t.easy != nullptr) {
            if (!t.finished) {
                curl_multi_remove_handle(multi, t.easy);
            }
            if (t.is_fetch && spare_easies.size() < kMaxSpareEasies) {
                curl_easy_reset(t.easy);  // every option back to its default
                spare_easies.push_back(t.easy);
            } else {
                curl_easy_cleanup(t.easy);
            }
            t.easy = nullptr;
        }
        curl_slist_free_all(t.header_list);
        t.header_list = nullptr;
    }

    // Installs what every transfer needs from us, then hands it to the multi handle.
    Id start(std::unique_ptr<Transfer> t) {
        const Id id = t->id;
        Transfer* raw = t.get();
        curl_easy_setopt(raw->easy, CURLOPT_PRIVATE, raw);
        curl_easy_setopt(raw->easy, CURLOPT_CLOSESOCKETFUNCTION, &Impl::on_close_socket);
        curl_easy_setopt(raw->easy, CURLOPT_CLOSESOCKETDATA, this);
        curl_easy_setopt(raw->easy, CURLOPT_ERRORBUFFER, raw->error_buffer);
        // Signals are the daemon's (SIGTERM, SIGHUP); timeouts come from the multi timer.
        curl_easy_setopt(raw->easy, CURLOPT_NOSIGNAL, 1L);
        transfers.emplace(id, std::move(t));
        const CURLMcode code = curl_multi_add_handle(multi, raw->easy);
        if (code != CURLM_OK) {
            raw->finished = true;
            raw->response.result = CURLE_FAILED_INIT;
            std::string message =
                std::string("curl_multi_add_handle: ") + curl_multi_strerror(code);
            std::snprintf(raw->error_buffer, sizeof raw->error_buffer, "%s", message.c_str());
            finish(*raw, CURLE_FAILED_INIT);
        }
        return id;
    }

    void fail_later(std::unique_ptr<Transfer> t, CURLcode code, std::string message) {
        t->finished = true;
        std::snprintf(t->error_buffer, sizeof t->error_buffer, "%s", message.c_str());
        Transfer* raw = t.get();
        transfers.emplace(t->id, std::move(t));
        // No easy handle info to read; finish() tolerates that.
        finish(*raw, code);
    }
};

Transfers::Transfers(boost::asio::io_context& io) : impl_(std::make_shared<Impl>(io)) {}

Transfers::~Transfers() = default;

Transfers::Id Transfers::fetch(Request request, std::function<void(Response)> done) {
    auto t = std::make_unique<Impl::Transfer>();
    t->id = impl_->next_id++;
    t->is_fetch = true;
    t->fetch_done = std::move(done);
    t->max_body = request.max_body;
    t->hop_url = request.url;
    t->easy = impl_->take_easy();
    if (t->easy == nullptr) {
        impl_->fail_later(std::move(t), CURLE_FAILED_INIT, "curl_easy_init failed");
        return 0;
    }
    CURL* e = t->easy;
    for (const auto& h : request.headers) {
        if (h.find_first_of("\r\n") != std::string::npos || h.find(':') == std::string::npos) {
            const Id id = t->id;
            impl_->fail_later(std::move(t), CURLE_BAD_FUNCTION_ARGUMENT,
                              "invalid request header (must be 'Name: value' without CR/LF)");
            return id;
        }
        t->header_list = curl_slist_append(t->header_list, h.c_str());
    }
    curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
    // Only http and https, for the first request and every redirect: a feed must not be able
    // to send us to file://, gopher:// or the like.
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, request.max_redirects > 0 ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, static_cast<long>(request.max_redirects));
    // "" = every encoding this libcurl was built with (gzip, deflate, br): decoded before the
    // write callback sees the bytes.
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(request.connect_timeout.count()));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout.count()));
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, request.low_speed_limit);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, static_cast<long>(request.low_speed_time.count()));
    const std::string agent =
        request.user_agent.empty() ? default_user_agent() : request.user_agent;
    curl_easy_setopt(e, CURLOPT_USERAGENT, agent.c_str());  // curl copies strings
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->header_list);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &Impl::on_write);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &Impl::on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    if (!request.ca_file.empty()) {
        curl_easy_setopt(e, CURLOPT_CAINFO, request.ca_file.c_str());
    }
    if (request.method == "HEAD") {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (request.method == "POST") {
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
    } else if (request.method != "GET") {
        const Id id = t->id;
        impl_->fail_later(std::move(t), CURLE_BAD_FUNCTION_ARGUMENT,
                          "unsupported method '" + request.method + "'");
        return id;
    }
    return impl_->start(std::move(t));
}

Transfers::Id Transfers::perform(CURL* easy, std::function<void(CURLcode, std::string)> done) {
    auto t = std::make_unique<Impl::Transfer>();
    t->id = impl_->next_id++;
    t->perform_done = std::move(done);
    t->easy = easy;
    return impl_->start(std::move(t));
}

void Transfers::cancel(Id id) {
    auto it = impl_->transfers.find(id);
    if (it == impl_->transfers.end()) {
        return;
    }
    std::unique_ptr<Impl::Transfer> owned = std::move(it->second);
    impl_->transfers.erase(it);
    impl_->destroy(*owned);
}

std::size_t Transfers::active() const { return impl_->transfers.size(); }

}  // namespace ww::net
