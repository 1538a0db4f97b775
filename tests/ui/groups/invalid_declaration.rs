authroute::groups!("admin", "Admin", "admin", "base.group_user");

// `admin` was declared (once): this route adds no error of its own.
#[authroute::route("/x", auth = "user", groups = ["admin"])]
async fn x() -> &'static str {
    "x"
}

fn main() {}
