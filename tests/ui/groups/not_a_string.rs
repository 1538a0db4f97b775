authroute::groups!(admin, billing);

fn main() {}
